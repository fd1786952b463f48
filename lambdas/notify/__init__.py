"""Invoked by the workflow: the API is live / the model was rejected / the run failed."""
