"""Administration: accounts and the audit log, above the areas whose records they link."""
