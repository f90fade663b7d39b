// Only ever imported dynamically (see loadXterm): xterm and its stylesheet stay out of
// every page's first load.
import '@xterm/xterm/css/xterm.css';

export { Terminal } from '@xterm/xterm';
export { FitAddon } from '@xterm/addon-fit';
