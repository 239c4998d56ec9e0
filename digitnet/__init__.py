"""digitnet: the handwritten-digit network from 3Blue1Brown's "But what is a neural network?".

784 input neurons (28x28 pixels), hidden layers, 10 output neurons; one layer to the next
is ``a' = f(W a + b)``. The package imports nothing heavy at import time so that the
command line starts fast; import the modules you need, e.g. ``digitnet.network``.
"""

__version__ = "0.1.0"


def read(source, model: str | None = None):
    """The number written in a picture (a path, bytes, a binary file, a PIL image or a
    grayscale array), digit by digit: a :class:`digitnet.reader.Reading`. ``model`` is a
    shipped model's name or a .npz path (default: the default model).

    >>> import digitnet
    >>> digitnet.read("meter.jpg").number()  # doctest: +SKIP
    '04512'
    """
    from digitnet import reader, shipped

    return reader.read(source, shipped.load(model))
