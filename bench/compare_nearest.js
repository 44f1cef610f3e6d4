// The geokdbush half of bench/compare_nearest.sh: nearest city of each point with geokdbush's `around`
// (great-circle distance), one thread. Usage: node compare_nearest.js CITIES.csv.gz POINTS.csv OUT
// Writes OUT (i,GeoNames id) and OUT.qps (queries per second, best of 3 passes after a warm-up pass).
import fs from 'node:fs';
import zlib from 'node:zlib';
import KDBush from 'kdbush';
import {around} from 'geokdbush';

const [citiesFile, pointsFile, outFile] = process.argv.slice(2);
// the cities file has no quoted field with a comma before lat and lon? names may: parse lat/lon from the end
const cityLines = zlib.gunzipSync(fs.readFileSync(citiesFile)).toString('utf8').split('\n').slice(1).filter(l => l);
const ids = [], lats = [], lons = [];
for (const line of cityLines) {
  const f = line.split(',');
  const n = f.length; // id,name,country,lat,lon,population: name may hold commas, the last three never do
  ids.push(f[0]); lats.push(+f[n - 3]); lons.push(+f[n - 2]);
}
const index = new KDBush(ids.length);
for (let i = 0; i < ids.length; i++) index.add(lons[i], lats[i]);
index.finish();
const pts = fs.readFileSync(pointsFile, 'utf8').split('\n').slice(1).filter(l => l).map(l => l.split(',').map(Number));
const answers = new Array(pts.length);
let best = Infinity;
for (let pass = 0; pass < 4; pass++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < pts.length; i++) answers[i] = around(index, pts[i][2], pts[i][1], 1)[0];
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (pass > 0) best = Math.min(best, s);
}
fs.writeFileSync(outFile, pts.map((p, i) => `${p[0]},${ids[answers[i]]}`).join('\n') + '\n');
fs.writeFileSync(outFile + '.qps', `${(pts.length / best).toFixed(1)}\n`);
