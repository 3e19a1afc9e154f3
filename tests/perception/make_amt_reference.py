#!/usr/bin/python3
"""Collects the AMT 1.4.0 outputs of the baumgartner2014 reference run (see README.md in
this folder) into amt_reference.json. Reads the run's output folder (default
/work/notes/amt_run/out): summary.tsv, pertarget_*.tsv and the PMVs saved as .mat files.
Usage: make_amt_reference.py [OUT_DIR] > amt_reference.json"""
import csv, json, os, sys

import numpy as np
import scipy.io as sio

OUT = sys.argv[1] if len(sys.argv) > 1 else '/work/notes/amt_run/out'

FILES = {  # run names -> files below the datasets folder ('system:' = Debian's libmysofa1)
    'ariNH4': 'sofa-zoo/ARI_NH4_hrtf_M_dtf_256.sofa',
    'ariNH2': 'sofa-zoo/dtf_nh2.sofa',
    'pp1': 'hutubs/pp1_HRIRs_measured.sofa',
    'pp2': 'hutubs/pp2_HRIRs_measured.sofa',
    'P0003': 'sonicom/P0003_FreeFieldComp_44kHz.sofa',
    'P0004': 'sonicom/P0004_FreeFieldComp_44kHz.sofa',
    'kemar': 'system:MIT_KEMAR_normal_pinna.sofa',
}
# summary.tsv case label -> (target, template, DTF conversion)
CASES = [
    ('ARI_NH4 (dtf file) / ARI_NH4', 'ariNH4', 'ariNH4', 0),
    ('ARI_NH2 (dtf file) / ARI_NH2', 'ariNH2', 'ariNH2', 0),
    ('tar ARI_NH2 / tem ARI_NH4', 'ariNH2', 'ariNH4', 0),
    ('HUTUBS pp1/pp1 raw HRIR', 'pp1', 'pp1', 0),
    ('HUTUBS pp1/pp1 DTF', 'pp1', 'pp1', 1),
    ('HUTUBS tar pp2 / tem pp1 raw HRIR', 'pp2', 'pp1', 0),
    ('HUTUBS tar pp2 / tem pp1 DTF', 'pp2', 'pp1', 1),
    ('SONICOM P0003/P0003 raw', 'P0003', 'P0003', 0),
    ('SONICOM P0003/P0003 DTF', 'P0003', 'P0003', 1),
    ('SONICOM tar P0004 / tem P0003 raw', 'P0004', 'P0003', 0),
    ('SONICOM tar P0004 / tem P0003 DTF', 'P0004', 'P0003', 1),
    ('MIT KEMAR normal pinna raw', 'kemar', 'kemar', 0),
    ('MIT KEMAR normal pinna DTF', 'kemar', 'kemar', 1),
]
# Target angles whose whole PMV (72 values) is kept per case, to 12 significant digits (far
# below the tolerances of the tests); the file stays small.
PMV_TARGETS = (0.0, 150.0)


def read_tsv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f, delimiter='\t'))


def dtf_name(flag):
    return 'log_mean_minimum_phase' if flag else 'none'


def pmv_columns(mat, angles_key, wanted):
    d = sio.loadmat(mat)
    angles = d[angles_key].ravel()
    cols = []
    for t in wanted:
        hit = np.nonzero(np.abs(angles - t) < 1e-9)[0]
        if len(hit):
            cols.append({'target_polar_deg': float(angles[hit[0]]),
                         'p': [float('%.12g' % v) for v in d['p'][:, hit[0]]]})
    return [float(v) for v in d['rang'].ravel()], [float(a) for a in angles], cols


summary = read_tsv(os.path.join(OUT, 'summary.tsv'))
cases = []
for label, tar, tem, dtf in CASES:
    rows = [r for r in summary if r['case'] == label and r['lat'].lstrip('-').isdigit()]
    planes = [{'lateral_deg': int(r['lat']), 'targets': int(r['n_tang']),
               'quadrant_error_percent': float(r['QE_pct']),
               'polar_rms_error_deg': float(r['PE_deg'])} for r in rows]
    per = read_tsv(os.path.join(OUT, 'pertarget_%s_%s_dtf%d.tsv' % (tar, tem, dtf)))
    rang, tang, cols = pmv_columns(os.path.join(OUT, 'pmv_%s_%s_dtf%d_lat0.mat' % (tar, tem, dtf)),
                                   'tang', PMV_TARGETS)
    assert [float(r['tang']) for r in per] == [round(a, 4) for a in tang]
    cases.append({
        'name': label, 'target': FILES[tar], 'template': FILES[tem], 'dtf': dtf_name(dtf),
        'planes': planes,
        'lat0_target_polar_deg': tang,
        'lat0_quadrant_error_per_target': [float(r['QE_t']) for r in per],
        'lat0_polar_rms_error_deg_per_target': [float(r['PE_t']) for r in per],
        'lat0_response_polar_deg': rang,
        'lat0_pmv': cols,
    })

flat = []
for tem in ('pp1', 'P0003', 'ariNH4', 'kemar'):
    for dtf in (0, 1):
        row = [r for r in summary if r['case'] == 'flat target / tem %s dtf%d' % (tem, dtf)][0]
        rang, pol, cols = pmv_columns(os.path.join(OUT, 'pmv_flat_%s_dtf%d_lat0.mat' % (tem, dtf)),
                                      'pol', (0.0,))
        flat.append({'template': FILES[tem], 'dtf': dtf_name(dtf), 'targets': int(row['n_tang']),
                     'quadrant_error_percent': float(row['QE_pct']),
                     'polar_rms_error_deg': float(row['PE_deg']),
                     'pmv_at_0_deg': cols[0]['p']})

inter = sio.loadmat(os.path.join(OUT, 'intermediates_ariNH4_dtf0_lat0.mat'))
pol = inter['pol'].ravel()
i0 = int(np.nonzero(pol == 0)[0][0])
intermediates = {
    'case': 'ARI NH4 DTF file, lat 0, 48 kHz, target polar 0, left ear',
    'centre_frequencies_hz': [float(v) for v in inter['fc'].ravel()],
    'band_levels_db': [float(v) for v in inter['mp'][:, i0, 0]],
    'positive_gradients_db': [float(v) for v in inter['gp'][:, i0, 0]],
    'template_polar_deg': [float(v) for v in pol],
    'binaural_similarity_target_0': [float(v) for v in inter['sib'][:, i0]],
}

doc = {
    'about': 'AMT 1.4.0 baumgartner2014 reference numbers; see README.md for how they were made',
    'amt': 'AMT 1.4.0 (github AudioGroupCologne/SUpDEq @ 28f2ac02d2bcbeb886117ea224494ef535ba4c8a, '
           'thirdParty/amtoolbox-full-1.4.0); LTFAT github ltfat/ltfat @ '
           'd0ee87778a1cbda9fdd401ade1c022b0c9607023',
    'octave': 'GNU Octave 7.3.0 (Debian 12)',
    'parameters': {'S': 0.7, 'gamma': 6, 'mrsmsp_deg': 17, 'bwcoef_deg': 13, 'flow_hz': 700,
                   'fhigh_hz': 18000, 'space': 1, 'do': 1, 'rangsamp': 5,
                   'flags': ['regular', 'mrs']},
    'scoring': 'baumgartner2014_pmv2ppp(p, tang, rang): every target angle extractsp returns',
    'cases': cases, 'flat_targets': flat, 'intermediates': intermediates,
}
# One line per case keeps the file small and diffs readable.
compact = lambda v: json.dumps(v, separators=(',', ':'))
print('{')
keys = list(doc)
for k in keys:
    end = ',' if k != keys[-1] else ''
    if isinstance(doc[k], list):
        print(' %s: [' % json.dumps(k))
        print(',\n'.join('  ' + compact(v) for v in doc[k]))
        print(' ]' + end)
    else:
        print(' %s: %s%s' % (json.dumps(k), compact(doc[k]), end))
print('}')
