"""The workflow executor: runs the deployed state machine definition offline.

Python API: ExecutorServer(settings).start() serves the Step Functions API and owns a
WorkflowExecutor; `python -m local_stack.workflow --help` runs the same as a process.
"""

from local_stack.workflow.executor import Execution, WorkflowExecutor
from local_stack.workflow.server import ExecutorServer
from local_stack.workflow.settings import ExecutorSettings

__all__ = ["Execution", "ExecutorServer", "ExecutorSettings", "WorkflowExecutor"]
