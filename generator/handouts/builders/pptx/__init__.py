"""The pptx builder: the IR to pptx files. Imported only when an output of this format is built."""
