"""adr: Agent Detection & Response."""
