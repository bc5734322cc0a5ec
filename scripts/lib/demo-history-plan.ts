/**
 * @module The demo history's plan (scripts/lib/demo-history.ts writes it): its plants, and which
 * reports arrive on which day and what their readers do, each on a day. Seeded, so every machine
 * gets the same demo.
 */
import { CATEGORIES, type Category, type SendTo } from '../../src/domain/report';
import { addDays, type Status } from '../../src/domain/case';
import type { FacilityInput } from './provision';

/** The demo history's plants: several states and sectors, busy and quiet (a quiet one shows "<5"). */
export const HISTORY_PLANTS: ReadonlyArray<FacilityInput & { perWeek: number; spikeWeek?: number }> = [
  {
    id: 'demo-leon',
    name: 'Planta Demo León',
    shortCode: 'demo-leon',
    emailLocal: 'demo-leon',
    state: 'Guanajuato',
    municipality: 'León',
    sector: 'auto_parts',
    perWeek: 9,
  },
  {
    id: 'demo-ramos',
    name: 'Planta Demo Ramos Arizpe',
    shortCode: 'demo-ramos',
    emailLocal: 'demo-ramos',
    state: 'Coahuila',
    municipality: 'Ramos Arizpe',
    sector: 'automotive',
    perWeek: 6,
    spikeWeek: 5,
  },
  {
    id: 'demo-tlaquepaque',
    name: 'Planta Demo Tlaquepaque',
    shortCode: 'demo-tlaquepaque',
    emailLocal: 'demo-tlaquepaque',
    state: 'Jalisco',
    municipality: 'San Pedro Tlaquepaque',
    sector: 'electronics',
    perWeek: 4,
  },
  {
    id: 'demo-monclova',
    name: 'Planta Demo Monclova',
    shortCode: 'demo-monclova',
    emailLocal: 'demo-monclova',
    state: 'Coahuila',
    municipality: 'Monclova',
    sector: 'aluminum_metals',
    perWeek: 1.5,
  },
];

/** How far back the history reaches: 14 weeks, so the public page has two or three complete months. */
export const HISTORY_DAYS = 98;

/** The words of every demo report: it says what it is, so nobody takes it for a worker's. */
export const DEMO_TEXT = {
  es: 'Reporte de demostración, hecho por «npm run seed:demo -- --history». Ningún trabajador lo escribió.',
  en: 'Demo report, made by “npm run seed:demo -- --history”. No worker wrote it.',
};

/** A small seeded generator (mulberry32): the same plan on every machine, so the demo looks the same. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One planned report: its plant, day and choices, and what its readers did, each on a day. */
export interface Planned {
  facilityId: string;
  day: string;
  sendTo: SendTo;
  categories: Category[];
  viewed: string | null;
  acknowledged: string | null;
  answered: string | null;
  investigating: string | null;
  closed: { day: string; status: Extract<Status, 'resolved' | 'not_substantiated'> } | null;
}

/** The history's plan, from the seed alone: reports per plant and day, and what happened to each by `lastDay`. */
export function planHistory(lastDay: string, seed = 20261207): Planned[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const within = (day: string, d: number) => {
    const at = addDays(day, d);
    return at <= lastDay ? at : null;
  };
  const out: Planned[] = [];
  for (const plant of HISTORY_PLANTS) {
    for (let back = HISTORY_DAYS; back >= 1; back--) {
      const day = addDays(lastDay, 1 - back);
      const week = Math.floor((back - 1) / 7);
      const rate = (plant.perWeek / 7) * (week === plant.spikeWeek ? 4 : 1);
      // Poisson by inversion: a whole number of reports that day, rate on average.
      let n = 0;
      for (let p = Math.exp(-rate), u = rnd(), acc = p; u > acc; n++) ((p *= rate / (n + 1)), (acc += p));
      for (let i = 0; i < n; i++) {
        const sendTo: SendTo = pick(['monitor', 'monitor', 'monitor', 'both', 'both', 'authority'] as const);
        const first = pick(CATEGORIES);
        const categories = rnd() < 0.3 ? [...new Set([first, pick(CATEGORIES)])] : [first];
        const toCompany = sendTo !== 'authority';
        // Most are opened and acknowledged within the 7-day deadline, some late, a few never.
        const viewed = toCompany && rnd() < 0.9 ? within(day, Math.floor(rnd() * 4)) : null;
        const acknowledged = viewed && rnd() < 0.85 ? within(viewed, Math.floor(rnd() * (rnd() < 0.8 ? 5 : 14))) : null;
        const answered = acknowledged && rnd() < 0.7 ? within(acknowledged, 2 + Math.floor(rnd() * 30)) : null;
        const investigating = acknowledged && rnd() < 0.75 ? within(acknowledged, Math.floor(rnd() * 5)) : null;
        const closedDay = investigating && answered && rnd() < 0.7 ? within(answered, Math.floor(rnd() * 40)) : null;
        const closed = closedDay ? { day: closedDay, status: rnd() < 0.7 ? ('resolved' as const) : ('not_substantiated' as const) } : null;
        out.push({ facilityId: plant.id, day, sendTo, categories, viewed, acknowledged, answered, investigating, closed });
      }
    }
  }
  return out;
}
