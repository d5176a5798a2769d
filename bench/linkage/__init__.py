"""名寄せ benchmark: synthetic agency records with ground truth, our engine against Splink."""
