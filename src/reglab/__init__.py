"""reglab: the regularization lab for neural networks."""
