"""Exceptions the library raises for problems a user can fix."""


class SigmoidError(Exception):
    """Base class: the message says what went wrong and, where it can, how to fix it."""


class DataError(SigmoidError):
    """A data file is missing, corrupt, truncated, of the wrong format or fails its checksum."""


class ModelFileError(SigmoidError):
    """A saved model file cannot be read: not a model, wrong shapes or an unknown version."""


class TrainingDiverged(SigmoidError):
    """The cost became non-finite during training."""
