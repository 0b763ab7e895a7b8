import { describeKeyStoreConformance } from './keyStoreConformance';
import { createMemoryKeyStore } from './subjectKeyStore';

describeKeyStoreConformance('memory', () => ({ store: createMemoryKeyStore(), dispose: () => undefined }));
