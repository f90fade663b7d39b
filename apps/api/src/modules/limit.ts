import { z } from 'zod';

/** `?limit=` on list routes: how many of the newest rows to answer with. */
export const Limit = z.coerce.number().int().min(1).max(1000).default(100);
