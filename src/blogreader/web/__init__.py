"""The web app (`blogreader serve`): server-rendered pages over the same library the CLI uses."""
