"""The local AWS emulator: moto in server mode plus the few additions Terraform needs.

Run it with ``python -m local_stack.emulator --port P``; from Python (tests, the local stack) use
:func:`local_stack.emulator.launcher.running_emulator`, which starts it on a free loopback port.
"""
