print("mnist-nce")
