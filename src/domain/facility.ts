/**
 * @module Facility metadata officials filter by. Shared by the Worker and the admin CLI.
 */

/** Sectors of the plants under the Rapid Response Labor Mechanism; labels in locales/ under trends.sectors. */
export const SECTORS = ['automotive', 'auto_parts', 'aluminum_metals', 'mining', 'electronics', 'food_processing', 'other'] as const;
export type Sector = (typeof SECTORS)[number];
