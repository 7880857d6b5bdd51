"""The pdf builder: the IR to pdf files. Imported only when an output of this format is built."""
