"""Each role's landing page: what a school contact, a speaker, a mentor or a coordinator needs
first, gathered from the areas' own rules and the program's figures."""
