"""Errors that ganlab raises, each with a message that says what to do next."""


class GanlabError(Exception):
    """Base class: every error ganlab raises on purpose derives from it."""


class InputError(GanlabError, ValueError):
    """Data or arguments of the wrong shape, dtype, range or value."""


class DataNotFoundError(GanlabError, FileNotFoundError):
    """A dataset was not found in any of the places ganlab looks."""


class DataCorruptedError(GanlabError):
    """A dataset file exists but its checksum or structure is wrong."""


class OutputExistsError(GanlabError, FileExistsError):
    """Refusing to overwrite an earlier run or file."""


class CheckpointError(GanlabError):
    """A checkpoint is incomplete, corrupted, or was made by another model."""
