"""digitnet: the handwritten-digit network from 3Blue1Brown's "But what is a neural network?".

784 input neurons (28x28 pixels), hidden layers, 10 output neurons; one layer to the next
is ``a' = f(W a + b)``. The package imports nothing heavy at import time so that the
command line starts fast; import the modules you need, e.g. ``digitnet.network``.
"""

__version__ = "0.1.0"
