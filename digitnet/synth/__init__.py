"""Pictures made from MNIST digits the way people make them: one digit (``digits``), numbers
(``numbers``), and pictures with neither, to measure digitnet and to train its reader's
networks. Only benchmarks, tests and model builds use them."""
