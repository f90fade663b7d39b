/*
 * The top bar's place for notifications: the notification center of the notifications
 * module (components/notifications), named for where it sits in the frame.
 */
export { NotificationBell as NotificationsSlot } from '@/components/notifications/NotificationBell';
