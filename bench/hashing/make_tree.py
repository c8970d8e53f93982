"""Generates the benchmark tree: 100,000 files in about 3,000 folders, from a fixed seed.

95% of the files are 1-8 KiB and 5% are 64 KiB-1 MiB. Contents are slices of one seeded random
pool, each prefixed by its own path, so every file differs and the tree is the same on every run.
"""
import os
import random
import sys

FILES = 100_000
TOP_FOLDERS = 60
SUBFOLDERS = 49  # 60 + 60 * 49 = 3,000 folders


def main(root, seed=20240601):
    rng = random.Random(seed)
    pool = rng.randbytes(2 << 20)
    folders = []
    for top in range(TOP_FOLDERS):
        for sub in range(SUBFOLDERS):
            folders.append(f"d{top:02}/s{sub:02}")
    for folder in folders:
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    for number in range(FILES):
        if rng.random() < 0.95:
            size = rng.randint(1 << 10, 8 << 10)
        else:
            size = rng.randint(64 << 10, 1 << 20)
        folder = folders[rng.randrange(len(folders))]
        path = f"{folder}/f{number:06}.dat"
        start = rng.randrange(len(pool) - size)
        header = path.encode() + b"\n"
        with open(os.path.join(root, path), "wb") as file:
            file.write(header + pool[start:start + size - len(header)])


if __name__ == "__main__":
    main(sys.argv[1])
