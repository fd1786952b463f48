"""The offline local stack: emulators and small local services that stand in for AWS."""
