"""Errors a user can cause. The command line prints them as one line, ``digitnet: ...``."""

OUT_OF_MEMORY = "out of memory while reading it (--max-pixels lowers the size allowed)"


class DigitnetError(Exception):
    """A problem with the user's input (a file, an option, the data), not a bug."""


class ModelFileError(DigitnetError):
    """A model file that cannot be used; the message says why."""


class DataError(DigitnetError):
    """MNIST files that are missing or malformed."""


class ImageError(DigitnetError):
    """An image that cannot be turned into the network's 784 activations."""


class FolderError(ImageError):
    """A folder where a picture was expected (the command line suggests --recursive)."""


class BlankImageError(ImageError):
    """An image with no ink in it: there is no digit to recognise."""


class NotOneDigitError(ImageError):
    """Ink that is not one digit: a speck, a line, a word, several digits."""


class PictureError(ImageError):
    """A picture given to the Python API that has no answer: ``path`` names it (its file,
    or what it was, such as '<array 3>') and ``reason`` says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason
