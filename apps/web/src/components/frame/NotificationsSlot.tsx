/*
 * The top bar's place for notifications. Helper W2 owns the notification center
 * (components/notifications/NotificationBell.tsx): when it lands, this file becomes
 *   export { NotificationBell as NotificationsSlot } from '@/components/notifications/NotificationBell';
 * and the top bar needs no other change. Until then the slot is empty.
 */
export function NotificationsSlot() {
  return null;
}
