"""Check every committed archive against its reference file (what a LibTorch test does).

    /usr/bin/python3 models/check_references.py
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def close(a, b, tol):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))) <= tol


def main():
    torch.set_num_threads(1)
    ok = True
    with torch.no_grad():
        r = json.load(open(os.path.join(HERE, "upsampler.ref.json")))
        m = torch.jit.load(os.path.join(HERE, "upsampler.pt"))
        i = {k: torch.tensor(v, dtype=torch.float32) for k, v in r["inputs"].items() if k != "target_azel_deg"}
        db, itd = m(i["meas_dirs"], i["meas_db"], i["meas_itd_s"], i["target_dirs"])
        pdb, pitd = m.population(i["target_dirs"])
        t = r["tolerance"]
        res = [close(db, r["outputs"]["db"], t["db"]), close(itd, r["outputs"]["itd_s"], t["itd_s"]),
               close(pdb, r["population_outputs"]["db"], t["db"]), close(pitd, r["population_outputs"]["itd_s"], t["itd_s"])]
        print("upsampler", res)
        ok &= all(res)

        r = json.load(open(os.path.join(HERE, "anthropometric.ref.json")))
        m = torch.jit.load(os.path.join(HERE, "anthropometric.pt"))
        db, itd = m(torch.tensor(r["inputs"]["features"], dtype=torch.float32).unsqueeze(0))
        t, o = r["tolerance"], r["outputs"]
        res = [close(db[0, o["direction_indices"]], o["db"], t["db"]), close(itd[0], o["itd_s"], t["itd_s"]),
               abs(float(db.double().sum()) - o["db_sum"]) <= t["db_sum_relative"] * abs(o["db_sum"])]
        print("anthropometric", res)
        ok &= all(res)

        r = json.load(open(os.path.join(HERE, "autoencoder.ref.json")))
        m = torch.jit.load(os.path.join(HERE, "autoencoder.pt"))
        z = m.encode(torch.tensor(r["inputs"]["db"], dtype=torch.float32))
        t, o = r["tolerance"], r["outputs"]
        res = [close(z, o["z"], t["z"]), close(m.decode(z), o["decoded"], t["decoded"])]
        print("autoencoder", res)
        ok &= all(res)
    print("all references match" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
