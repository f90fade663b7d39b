/**
 * Kernel arguments for every boot path (direct -kernel, disk, CD). tty1 first and
 * ttyS0 last: both get boot messages, and /dev/console (init's own output) is the
 * serial port, which a test or a log can read.
 */
export const KERNEL_ARGS = 'console=tty1 console=ttyS0,115200';

/** File names inside the disk's boot partition and the ISO's root. */
export const BOOT_KERNEL = 'vmlinuz';
export const BOOT_INITRD = 'initrd.img';

/**
 * One syslinux/isolinux configuration for the disk and the CD. SERIAL mirrors the
 * boot loader on ttyS0; PROMPT 0 with a short TIMEOUT boots at once unless an
 * operator holds Shift/Alt to reach the boot: prompt.
 */
export function syslinuxConfig(): string {
  return [
    'SERIAL 0 115200',
    'DEFAULT tiny-linux',
    'PROMPT 0',
    'TIMEOUT 10',
    '',
    'LABEL tiny-linux',
    `  LINUX /${BOOT_KERNEL}`,
    `  INITRD /${BOOT_INITRD}`,
    `  APPEND ${KERNEL_ARGS}`,
    '',
  ].join('\n');
}
