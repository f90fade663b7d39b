/**
 * Row density, a data attribute on <html> that tables read through CSS (--row-py): compact
 * by default, as in Proxmox and LXD-UI; comfortable for touch or taste.
 */
export type Density = 'compact' | 'comfortable';
export const DENSITY_KEY = 'berth-density';
export const isDensity = (v: unknown): v is Density => v === 'compact' || v === 'comfortable';
export const applyDensity = (d: Density) => {
  document.documentElement.dataset.density = d;
};
