"""Networks on disk: the .npz model file, its metadata schema, and the models that ship."""
