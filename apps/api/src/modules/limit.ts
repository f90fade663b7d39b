import { queryInt } from '@berth/contracts';

/** `?limit=` on list routes: how many of the newest rows to answer with. */
export const Limit = queryInt(1, 1000).default(100);
