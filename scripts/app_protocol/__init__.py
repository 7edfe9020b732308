"""The reference app-server schema read into one type model (`model`) and rendered back into
its JSON-Schema and TypeScript layouts (`render`); used by `scripts/gen-app-protocol.py`."""
