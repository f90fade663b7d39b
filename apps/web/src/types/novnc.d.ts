// noVNC ships no types; components/console/novnc.ts types the part Berth uses.
declare module '@novnc/novnc' {
  const RFB: unknown;
  export default RFB;
}
