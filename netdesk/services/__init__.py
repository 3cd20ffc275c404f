"""Plain-Python services shared by the GUI and the CLI. Nothing here imports Qt."""
