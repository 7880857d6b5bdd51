"""The Word builder: an IR Document to an editable, accessible .docx in named styles, within its page budget."""
