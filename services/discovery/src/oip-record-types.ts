/**
 * The record types OIP scans by default: the keys of its `config/templates.config.js`
 * `defaultTemplates` (spec §4), spelling included.
 */
export const oipDefaultRecordTypes: readonly string[] = [
  'basic',
  'creatorRegistration',
  'associatedURLOnWeb',
  'text',
  'image',
  'video',
  'post',
  'podcast',
  'jfkFilesPageOfDocument',
  'jfkFilesDocument',
  'exercise',
  'workout',
  'recipe',
  'nutritionalInfo',
  'podcastShow',
  'modelProvider',
  'conversationSession',
  'multiResolutionGif',
  'organization',
  'fitnessEquipment',
  'userFitnessProfile',
  'workoutSchedule',
  'mealPlan',
  'exerciseResult',
  'workoutCompletion',
  'weightEntry',
  'shoppingList',
  'userFitnessAchievment',
  'accessControl',
  'music',
  'summaryNutritionalInfoPerServing',
  'exerciseMETvalues',
  'notes',
  'audio',
  'transcriptionEngine',
  'noteChunks',
  'musicReleaseSimple',
];

/** The types a node scans (and its writer prepares) before it has seen the registry: GUN_SYNC_RECORD_TYPES or OIP's defaults. */
export function configuredRecordTypes(config: {
  sync: { recordTypes: readonly string[] };
}): readonly string[] {
  return config.sync.recordTypes.length > 0 ? config.sync.recordTypes : oipDefaultRecordTypes;
}
