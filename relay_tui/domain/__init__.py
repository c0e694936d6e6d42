"""Pure values and functions over them: masking, findings, generators, codecs; no I/O."""
