/**
 * Removing the active profile re-mounts the screen under the next profile (App keys views by
 * profile), so the outcome line lives here rather than in the component that is going away.
 */
class SettingsScreen {
  removedNote = $state<string | null>(null);
}

export const settingsScreen = new SettingsScreen();
