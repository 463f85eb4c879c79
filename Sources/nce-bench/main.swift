print("nce-bench")
