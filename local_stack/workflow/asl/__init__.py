"""A compact interpreter for the Amazon States Language constructs the workflow uses."""
