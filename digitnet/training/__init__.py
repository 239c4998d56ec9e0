"""Training a network: augmentation, the loop, a whole run, and its BLAS threads."""
