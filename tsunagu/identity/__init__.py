"""名寄せ (identity resolution): normalisation of what agencies write, and record linkage."""
