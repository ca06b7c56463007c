"""What adr does about a verdict besides answering: alerts, pre-image snapshots and undo, process
suspend/kill, tamper revert."""
