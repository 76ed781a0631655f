"""Evidence of a run: its manifest (inputs, code and output hashes), `verify` and `evidence`."""
