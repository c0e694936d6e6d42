"""The Textual workbench: app, panes, widgets and themes (the core never imports this)."""
