"""Pictures to ink to the network's 28x28 input: decoding, ink, shapes, framing."""
