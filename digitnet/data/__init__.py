"""Digits to learn from and measure on: MNIST, its download, folders of labelled pictures."""
