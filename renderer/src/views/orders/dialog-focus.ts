/**
 * Dialogs on these screens are mounted only while open (two native dialogs in one page would
 * share ConfirmDialog's title id). Unmounting skips the native focus return, so do it here.
 */
import { tick } from 'svelte';

export function rememberFocus(): () => void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return () => {
    void tick().then(() => {
      if (opener?.isConnected) opener.focus();
    });
  };
}
