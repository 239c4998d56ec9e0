"""The network and its arithmetic: activation functions, costs, backpropagation, optimisers,
accuracy."""
