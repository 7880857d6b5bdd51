"""The html builder: the IR to html files. Imported only when an output of this format is built."""
