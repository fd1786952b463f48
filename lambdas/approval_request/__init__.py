"""Invoked by the workflow with a task token: store the approval, email the reviewer."""
